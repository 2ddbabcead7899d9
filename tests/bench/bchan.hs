-- bchan.hs — GHC twin of examples/bchan-bench: BoundedChan throughput.
-- BoundedChan is written out here exactly as GaloisInc's 1.0.3.0 does it
-- (an array of slot MVars plus read/write position MVars), so no package
-- is needed.  Usage: bchan MESSAGES PRODUCERS CONSUMERS DEPTH
-- Prints "bchan: <N> ns/message".
import Control.Concurrent hiding (readChan, writeChan)
import Control.Exception (mask_, onException)
import Control.Monad
import Data.Array
import GHC.Clock (getMonotonicTimeNSec)
import System.Environment (getArgs)

data BoundedChan a = BC Int (Array Int (MVar a)) (MVar Int) (MVar Int)

newBoundedChan :: Int -> IO (BoundedChan a)
newBoundedChan n = do
  slots <- replicateM n newEmptyMVar
  BC n (listArray (0, n - 1) slots) <$> newMVar 0 <*> newMVar 0

modifyPos :: MVar Int -> (Int -> IO (Int, b)) -> IO b
modifyPos m io = mask_ $ do
  a <- takeMVar m
  (a', b) <- io a `onException` putMVar m a
  putMVar m $! a'
  return b

writeChan :: BoundedChan a -> a -> IO ()
writeChan (BC n slots wpos _) x = modifyPos wpos $ \p -> do
  putMVar (slots ! p) x
  return ((p + 1) `mod` n, ())

readChan :: BoundedChan a -> IO a
readChan (BC n slots _ rpos) = modifyPos rpos $ \p -> do
  x <- takeMVar (slots ! p)
  return ((p + 1) `mod` n, x)

main :: IO ()
main = runInUnboundThread $ do
  [mS, pS, cS, dS] <- getArgs
  let (m, p, c, d) = (read mS, read pS, read cS, read dS) :: (Int, Int, Int, Int)
  ch <- newBoundedChan d
  done <- newEmptyMVar
  t0 <- getMonotonicTimeNSec
  forM_ [0 .. p - 1] $ \i -> forkIO $ forM_ [i, i + p .. m - 1] (writeChan ch)
  forM_ [0 .. c - 1] $ \i -> forkIO $ do
    s <- foldM (\acc _ -> (+ acc) <$> readChan ch) 0 [i, i + c .. m - 1]
    putMVar done s
  total <- sum <$> replicateM c (takeMVar done)
  t1 <- getMonotonicTimeNSec
  when (total /= m * (m - 1) `div` 2) $ error "bchan: lost or duplicated a message"
  putStrLn $ "bchan: " ++ show (fromIntegral (t1 - t0) / fromIntegral m :: Double) ++ " ns/message"
